require "fileinto";
# X-Spaces consists only of blanks; is its value the empty string?
if header :is "X-Spaces" "" { fileinto "Blank"; }
elsif header :matches "X-Spaces" "?*" { fileinto "NotBlank"; }
