require ["foreverypart", "variables", "extracttext"];
extracttext "x";
