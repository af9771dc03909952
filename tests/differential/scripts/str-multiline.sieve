require "fileinto";
# A text: string ends in CRLF, so it can never equal an unfolded header.
if header :is "Subject" text: # comment allowed after text:
Lunch tomorrow?
.
{
    discard;
}
if header :matches "Subject" text:
..*
.
{ discard; }
fileinto "Multi";
