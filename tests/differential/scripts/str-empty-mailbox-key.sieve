require "fileinto";
# The empty key with :is only matches the empty value.
if header :is "Subject" "" { discard; }
elsif header :is "X-Not-There" "" { discard; }
else { fileinto "EmptyKeyNoMatch"; }
