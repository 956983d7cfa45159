"""Starting points written for the user: a commented starter spec (``init``) and a new template pack (``templates new``)."""
