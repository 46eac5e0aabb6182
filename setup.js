// cdktf's jest matchers (toHaveResource, toHaveResourceWithProperties, toBeValidTerraform, ...).
const { Testing } = require("cdktf");
Testing.setupJest();
