# An explicit keep is the only action.
keep;
