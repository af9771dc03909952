if header :is "Subject" { discard; }
