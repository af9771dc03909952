if header :contains "Subject" "Lunch" { }
