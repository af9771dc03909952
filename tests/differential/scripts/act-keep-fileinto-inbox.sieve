# keep and fileinto "INBOX" are the same delivery (RFC 5228 4.2/2.10.3).
require "fileinto";
keep;
fileinto "INBOX";
