require "ihave";
if ihave "fileinto" { }
fileinto "A";
