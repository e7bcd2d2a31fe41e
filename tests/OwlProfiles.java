// Checks an ontology document against the OWL 2 profiles with the OWL API (Debian's
// libowlapi-java) and prints, for each profile, whether the document is in it and every
// violation. Usage (Java 11+ runs a source file directly; tests/test_owl.py does this):
//   java -cp OWLAPI_CLASSPATH OwlProfiles.java FILE
import java.io.File;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.model.*;
import org.semanticweb.owlapi.profiles.*;

/** Prints each OWL 2 profile's violations of the ontology in the given file. */
public class OwlProfiles {
    public static void main(String[] args) throws Exception {
        OWLOntologyManager m = OWLManager.createOWLOntologyManager();
        OWLOntology o = m.loadOntologyFromOntologyDocument(new File(args[0]));
        for (Profiles p : new Profiles[]{Profiles.OWL2_DL, Profiles.OWL2_EL, Profiles.OWL2_QL, Profiles.OWL2_RL}) {
            OWLProfileReport r = p.checkOntology(o);
            System.out.println("PROFILE " + p.name() + " " + r.isInProfile() + " " + r.getViolations().size());
            for (OWLProfileViolation v : r.getViolations()) System.out.println("  " + v);
        }
    }
}
