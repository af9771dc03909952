require "fileinto";
# The empty string is contained in every existing header value.
if header :contains "X-Priority" "" { fileinto "EmptyKey"; }
if header :contains "X-Not-There" "" { discard; }
