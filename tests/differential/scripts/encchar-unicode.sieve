require ["encoded-character", "fileinto"];
if header :is "X-Raw" "${unicode:43 41 46 C9} cr${UNICODE:0000e8}me" { fileinto "${unicode:55}ni"; }
