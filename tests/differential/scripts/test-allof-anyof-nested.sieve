require "fileinto";
if anyof (allof (true, false), allof (not false, anyof (false, true))) { fileinto "Nested"; }
