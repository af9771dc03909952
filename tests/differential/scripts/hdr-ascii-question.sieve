require "fileinto";
if header :matches "Subject" "?unch tomorrow?" {
    if header :matches "Subject" "*t??orrow*" {
        if not header :matches "Subject" "*t?orrow*" { fileinto "Question"; }
    }
}
