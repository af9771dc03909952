-- A forbidden file type in an attachment is refused, naming the file, as
-- 554 5.7.0 (issue 9; the policy's ereject :replycode).
dofile(dir .. "/common.lua")
local conn = open("ATTACH1")
rcpt(conn, "<bob@example.net>")
local h = clean_headers("invoice")
table.insert(h, {"MIME-Version", "1.0"})
table.insert(h, {"Content-Type", "multipart/mixed; boundary=\"b1\""})
send(conn, h, "--b1\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n" ..
              "--b1\r\nContent-Type: application/octet-stream\r\n" ..
              "Content-Disposition: attachment; filename=\"invoice.exe\"\r\n" ..
              "Content-Transfer-Encoding: base64\r\n\r\nTVqQAAMAAAAEAAAA\r\n--b1--\r\n")
reply_is(conn, SMFIR_REPLYCODE, "attachment")
need(mt.eom_check(conn, MT_SMTPREPLY, "554", "5.7.0",
                  "Message rejected: forbidden attachment type (.exe in invoice.exe)"),
     "attachment: 554 5.7.0 naming invoice.exe")
close(conn)
