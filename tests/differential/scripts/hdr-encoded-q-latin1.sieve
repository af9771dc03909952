require "fileinto";
# =?ISO-8859-1?Q?Caf=E9_=DCberraschung?= decodes to UTF-8 "Café Überraschung".
if header :is "Subject" "Café Überraschung" { fileinto "Latin1"; }
