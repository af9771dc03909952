require ["envelope", "fileinto"];
# Return-Path: <> is the null reverse-path; envelope "from" is "".
if envelope :is "from" "" { fileinto "NullSender"; }
elsif envelope :matches "from" "*" { fileinto "NonNull"; }
