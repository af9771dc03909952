require ["encoded-character", "fileinto"];
# hex-pair is one or two hex digits, separated by blanks.
if header :is "X-Raw" "${hex:43 41 46 C3 89} cr${hex: c3  a8 }me" { fileinto "Hex"; }
