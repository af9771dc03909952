require "fileinto";
if false {
    fileinto "A";
} elsif not true {
    fileinto "B";
} else {
    fileinto "C";
}
