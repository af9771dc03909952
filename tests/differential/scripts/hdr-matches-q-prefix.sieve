require "fileinto";
# "L?xx*" cannot match "Lunch tomorrow?": after "L" and one "?" the value
# continues "nch", not "xx".
if header :matches "Subject" "L?xx*" { fileinto "Wrong"; }
else { fileinto "Right"; }
