require "fileinto";
# Without the extension "${hex:41}" is literal text.
fileinto "${hex:41}";
