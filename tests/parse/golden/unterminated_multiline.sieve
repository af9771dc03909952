reject text:
Your message was rejected.
 .
