require "fileinto";
if exists ["From", "To", "Subject"] { fileinto "HasAll"; }
if exists ["From", "X-Not-There"] { discard; }
