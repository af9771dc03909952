require "fileinto";
# The key below is ".hidden\r\n": leading ".." is unstuffed to ".".
if header :contains "X-Dot" text:
..hidden
.
{ discard; }
if header :contains "Subject" ["Lunch", text:
Lunch
.
] { fileinto "ListWithText"; }
