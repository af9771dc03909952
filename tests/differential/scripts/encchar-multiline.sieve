require ["encoded-character", "fileinto"];
# Encoded characters are decoded in multi-line strings too.
if header :contains "Subject" text:
${hex:4c}unch
.
{ discard; }
if header :matches "Subject" "${hex:4C 75}nch*" { fileinto "${hex:4c}"; }
