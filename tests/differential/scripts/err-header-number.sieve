if header :is "Subject" 42 { discard; }
