require ["body", "fileinto"];
# RFC 5173 §5.3: :text (the default) sees decoded text parts only.
if body :text :contains "Grüße aus Zürich" { fileinto "t-plain-latin1"; }
if body :text :contains "Bern" { fileinto "t-html-text"; }
if body :text :contains "<b>" { fileinto "t-markup"; }
if body :text :contains "prologue" { fileinto "t-prologue"; }
if body :contains "invoice" { fileinto "t-default"; }
if body :text :contains "Can you forward" { fileinto "t-rfc822"; }
if body :text :contains "SECRETPAYLOAD" { fileinto "t-binary"; }
if body :text :contains "Hello world" { fileinto "t-bad-base64"; }
if body :text :contains "runs to the end" { fileinto "t-no-close"; }
if body :text :contains "noon" { fileinto "t-plain-message"; }
