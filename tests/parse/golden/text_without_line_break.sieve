reject text: "no";
