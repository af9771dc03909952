require "fileinto";
if header :matches "X-Empty" "*" {
    if header :matches "X-Empty" "" {
        if not header :matches "X-Empty" "?" { fileinto "EmptyGlob"; }
    }
}
