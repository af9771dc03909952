keep;
vacation "I am away";
