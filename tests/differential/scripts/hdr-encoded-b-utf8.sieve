require "fileinto";
if header :is "X-B64" "Große aus Köln" { discard; }
elsif header :is "X-B64" "Grüße aus Köln" { fileinto "Base64"; }
