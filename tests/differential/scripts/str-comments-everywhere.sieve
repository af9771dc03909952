require /* c1 */ "fileinto" /* c2 */ ; # c3
if /* ** odd * / comment */ header # line comment
  :contains /**/ "Subject" /*
  */ "Lunch" { /* inner */ fileinto /* x */ "Commented" ; } # end
