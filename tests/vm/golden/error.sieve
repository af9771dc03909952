# Golden image: error (RFC 5463 §5): a runtime error, so the fileinto is
# cancelled and the message kept (RFC 5228 §2.10.6).
require ["ihave", "fileinto"];
fileinto "Cancelled";
error "Golden error: stop here.";
fileinto "Unreached";
