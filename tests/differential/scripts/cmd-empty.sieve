# Nothing but comments: the implicit keep applies.
/* and a bracketed
   comment */
