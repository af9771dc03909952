keep;
elsif true {
    stop;
}
