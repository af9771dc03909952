require ["body", "fileinto", "relational", "comparator-i;ascii-numeric"];
# RFC 5173 §5.2: :content selects parts by type.
if body :content "text/plain" :contains "Grüße" { fileinto "c-plain-utf8"; }
if body :content "text/html" :contains "<b>Zürich</b>" { fileinto "c-html-markup"; }
if body :content "text/html" :contains "Grüße aus Zürich, sch" { fileinto "c-html-gets-plain"; }
if body :content "multipart" :contains "prologue" { fileinto "c-prologue"; }
if body :content "multipart" :contains "epilogue" { fileinto "c-epilogue"; }
if body :content "multipart" :contains "--ALT" { fileinto "c-boundary"; }
if body :content "multipart" :contains "--INNER" { fileinto "c-inner-boundary"; }
if body :content "application/zip" :contains "SECRETPAYLOAD" { fileinto "c-zip-decoded"; }
if body :content "message/rfc822" :contains "Subject: Forwarded" { fileinto "c-rfc822-header"; }
if body :content "message/rfc822" :contains "Can you forward" { fileinto "c-rfc822-body"; }
if body :content "text/plain" :contains "Can you forward" { fileinto "c-rfc822-nested"; }
if body :content "" :contains "Please find" { fileinto "c-all"; }
if body :content "TEXT/PLAIN" :contains "invoice" { fileinto "c-case"; }
if body :content "text" :count "eq" :comparator "i;ascii-numeric" "2" { fileinto "c-count-2"; }
if body :content "text" :count "eq" :comparator "i;ascii-numeric" "3" { fileinto "c-count-3"; }
if body :content "text/plain" :contains "Hello world" { fileinto "c-bad-base64"; }
if body :content ["image", "text/plain"] :matches "*runs to the end*" { fileinto "c-list"; }
