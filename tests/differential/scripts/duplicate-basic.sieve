require ["duplicate", "fileinto"];
if duplicate { fileinto "Dup"; }
if duplicate :header "subject" :handle "subj" :seconds 60 :last { fileinto "Dup2"; }
