if true {
	fileinto "x";
}
