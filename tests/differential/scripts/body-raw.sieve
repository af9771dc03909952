require ["body", "fileinto"];
# RFC 5173 §5.1: :raw is the undecoded body.
if body :raw :contains "--ALT" { fileinto "r-boundary"; }
if body :raw :contains "Gr=FC=DFe" { fileinto "r-qp"; }
if body :raw :contains "Grüße" { fileinto "r-decoded"; }
if body :raw :contains "Content-Type: text/html" { fileinto "r-part-header"; }
if body :raw :contains "Subject:" { fileinto "r-message-header"; }
if body :raw :contains "SECRETPAYLOAD" { fileinto "r-base64-decoded"; }
if body :raw :contains "Are you free" { fileinto "r-plain"; }
