require "fileinto";
if true {
    if false {
        fileinto "Inner-Then";
    } else {
        if exists "X-Priority" { fileinto "Inner-Else"; }
    }
} else { discard; }
