if header :is :contains "Subject" "x" { discard; }
