require "fileinto";
if not not true {
    if not false { fileinto "Logic"; }
}
if false { discard; }
