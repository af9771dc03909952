require ["foreverypart"];
foreverypart :name "a" { foreverypart { break :name "b"; } }
