require ["envelope", "fileinto"];
# The envelope, not the From header, is tested.
if envelope :is "from" "anna@example.com" { discard; }
elsif envelope :matches :domain "from" "*.example" { fileinto "EnvDomain"; }
