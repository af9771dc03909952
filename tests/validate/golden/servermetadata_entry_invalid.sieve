require "servermetadata";
if servermetadataexists "/private/x/" {
    keep;
}
