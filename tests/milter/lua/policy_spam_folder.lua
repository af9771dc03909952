-- The policy files a message scoring 5 or more into Spam: the recipient
-- is removed and bob+Spam@example.net added with ORCPT (SMFIR_ADDRCPT_PAR,
-- which miltertest 1.5 reads but does not record: the driver checks the
-- log, tests/milter/plan_test.cpp the parameters).
dofile(dir .. "/common.lua")
local conn = open("SPAM1")
rcpt(conn, "<bob@example.net>")
-- MISSING_MESSAGE_ID 1, MISSING_DATE 1, SUBJECT_ALL_CAPS 3,
-- SUBJECT_EXCLAIMS 1.5, FROM_NAME_HAS_ADDRESS 1: 7.5
send(conn, {{"From", "\"win@prize.example\" <x@prize.example>"}, {"Subject", "WINNER!!!"}}, "claim it\r\n")
reply_is(conn, SMFIR_CONTINUE, "spam folder")
need(mt.eom_check(conn, MT_RCPTDELETE, "<bob@example.net>"), "spam: original recipient removed")
close(conn)
