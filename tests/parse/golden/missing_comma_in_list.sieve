if header :is ["to" "cc"] "x" { keep; }
