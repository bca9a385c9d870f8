//! What a generated person is: the name, department, title and city tables, and a seeded
//! profile (indexes into them) rendered to Okta's profile JSON on demand.

use serde_json::{Map, Value};

pub const FIRST_NAMES: &[&str] = &[
    "Ann",
    "Ben",
    "Carla",
    "David",
    "Elena",
    "Farid",
    "Grace",
    "Hiro",
    "Isabel",
    "Jamal",
    "Keiko",
    "Liam",
    "Maria",
    "Noah",
    "Olivia",
    "Priya",
    "Quinn",
    "Rosa",
    "Samuel",
    "Tara",
    "Umar",
    "Vera",
    "Wei",
    "Ximena",
    "Yusuf",
    "Zoe",
    "Aiko",
    "Bruno",
    "Chloe",
    "Diego",
    "Emma",
    "Felix",
    "Gita",
    "Hannah",
    "Ivan",
    "Julia",
    "Kofi",
    "Lena",
    "Marco",
    "Nadia",
    "Oscar",
    "Paula",
    "Rahul",
    "Sofia",
    "Tomas",
    "Uma",
    "Victor",
    "Wanda",
    "Yara",
    "Zane",
    "Amara",
    "Boris",
    "Camille",
    "Dmitri",
    "Esther",
    "Fatima",
    "Gustavo",
    "Helga",
    "Ines",
    "Jonas",
    "Kwame",
    "Lucia",
    "Mateo",
    "Nora",
    "Omar",
    "Pilar",
    "Ravi",
    "Sara",
    "Theo",
    "Ursula",
    "Valentina",
    "Will",
    "Xavier",
    "Yasmin",
    "Zara",
    "Alice",
    "Bob",
    "Chen",
    "Dana",
    "Eli",
];

pub const LAST_NAMES: &[&str] = &[
    "Lee",
    "Smith",
    "Garcia",
    "Nguyen",
    "Okafor",
    "Kowalski",
    "Tanaka",
    "Muller",
    "Rossi",
    "Haddad",
    "Johansson",
    "Silva",
    "Patel",
    "Kim",
    "Brown",
    "Dubois",
    "Novak",
    "Ivanova",
    "Mensah",
    "Chen",
    "Fischer",
    "Lopez",
    "Wong",
    "Ahmed",
    "Murphy",
    "Jensen",
    "Costa",
    "Sato",
    "Kaur",
    "Moreau",
    "Andersen",
    "Popescu",
    "Yilmaz",
    "Hughes",
    "Santos",
    "Ito",
    "Khan",
    "Berg",
    "Reyes",
    "Weber",
    "Park",
    "Nakamura",
    "Olsen",
    "Ferrari",
    "Cohen",
    "Adeyemi",
    "Larsen",
    "Schmidt",
    "Gomez",
    "Walsh",
    "Takahashi",
    "Ali",
    "Martin",
    "Becker",
    "Romero",
    "Sharma",
    "Lindqvist",
    "Diaz",
    "Obi",
    "Horvat",
];

pub const DEPARTMENTS: &[&str] = &[
    "Engineering",
    "Sales",
    "Marketing",
    "Finance",
    "Support",
    "Human Resources",
    "Legal",
    "Operations",
    "Product",
    "Design",
];

pub const TITLES: &[&[&str]] = &[
    &[
        "Software Engineer",
        "Senior Software Engineer",
        "Staff Engineer",
        "Engineering Manager",
        "Site Reliability Engineer",
    ],
    &[
        "Account Executive",
        "Sales Engineer",
        "Sales Manager",
        "Business Development Rep",
    ],
    &[
        "Marketing Manager",
        "Content Strategist",
        "Growth Analyst",
        "Brand Designer",
    ],
    &[
        "Financial Analyst",
        "Controller",
        "Accountant",
        "Payroll Specialist",
    ],
    &[
        "Support Engineer",
        "Customer Success Manager",
        "Support Lead",
    ],
    &[
        "HR Business Partner",
        "Recruiter",
        "People Operations Specialist",
    ],
    &["Counsel", "Paralegal", "Compliance Officer"],
    &[
        "Operations Manager",
        "IT Administrator",
        "Facilities Coordinator",
    ],
    &[
        "Product Manager",
        "Product Analyst",
        "Technical Program Manager",
    ],
    &["Product Designer", "UX Researcher", "Design Lead"],
];

pub const CITIES: &[&str] = &[
    "San Francisco",
    "New York",
    "Austin",
    "Chicago",
    "Seattle",
    "Toronto",
    "London",
    "Berlin",
    "Paris",
    "Amsterdam",
    "Sydney",
    "Tokyo",
    "Singapore",
    "Dublin",
    "Madrid",
    "Warsaw",
];

/// A generated person's profile: indexes into the tables above, rendered on demand.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct SeededProfile {
    pub first: u16,
    pub last: u16,
    pub dept: u8,
    pub title: u8,
    pub city: u8,
    pub number: u32,
}

impl SeededProfile {
    /// The whole profile; `login` is also the e-mail.
    pub fn to_json(&self, login: &str) -> Map<String, Value> {
        let first = FIRST_NAMES[self.first as usize];
        let last = LAST_NAMES[self.last as usize];
        let dept = self.dept as usize;
        let mut m = Map::new();
        m.insert("firstName".into(), first.into());
        m.insert("lastName".into(), last.into());
        m.insert(
            "mobilePhone".into(),
            format!(
                "+1-555-{:03}-{:04}",
                self.number % 1000,
                (self.number * 7919) % 10000
            )
            .into(),
        );
        m.insert("secondEmail".into(), Value::Null);
        m.insert("login".into(), login.into());
        m.insert("email".into(), login.into());
        m.insert("displayName".into(), format!("{first} {last}").into());
        m.insert("department".into(), DEPARTMENTS[dept].into());
        m.insert("title".into(), TITLES[dept][self.title as usize].into());
        m.insert("city".into(), CITIES[self.city as usize].into());
        m.insert(
            "employeeNumber".into(),
            format!("{:06}", self.number).into(),
        );
        m.insert("organization".into(), "Example Corp".into());
        m
    }

    /// One property, without rendering the whole profile.
    pub fn attr(&self, name: &str, login: &str) -> Option<Value> {
        Some(match name {
            "firstName" => FIRST_NAMES[self.first as usize].into(),
            "lastName" => LAST_NAMES[self.last as usize].into(),
            "login" | "email" => login.into(),
            "department" => DEPARTMENTS[self.dept as usize].into(),
            "title" => TITLES[self.dept as usize][self.title as usize].into(),
            "city" => CITIES[self.city as usize].into(),
            _ => return self.to_json(login).remove(name),
        })
    }
}
