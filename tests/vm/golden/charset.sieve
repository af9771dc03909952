# Golden image: vnd.sift.charset (test_charset) on charset.eml, whose
# Subject holds a ks_c_5601-1987 word in B and a utf-8 word in q, and whose
# From name is one koi8-r word in Q.
require ["vnd.sift.charset", "relational", "comparator-i;ascii-numeric", "fileinto"];
if allof (charset "subject" "ks_c_5601-1987",
          charset :encoding "subject" "q",
          charset :count "eq" :comparator "i;ascii-numeric" ["subject", "from"] "3",
          not charset "from" "utf-8") {
  fileinto "Charsets";
}
