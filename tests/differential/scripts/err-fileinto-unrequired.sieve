fileinto "Work";
