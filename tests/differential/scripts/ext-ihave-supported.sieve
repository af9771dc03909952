require "ihave";
if ihave "fileinto" {
  fileinto "Folder";
}
