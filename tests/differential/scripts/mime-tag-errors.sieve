require ["mime"];
if header :anychild "Subject" "x" { discard; }
if exists :mime :type "To" { discard; }
