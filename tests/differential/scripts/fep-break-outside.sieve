require ["foreverypart"];
foreverypart :name "a" { keep; }
break :name "a";
