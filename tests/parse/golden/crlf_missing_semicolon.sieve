keep;
fileinto "a"
}
